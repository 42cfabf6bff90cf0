/**
 * `policies.addressResolution`: translation of the addresses nodes report.
 *
 * @module
 */
export { AddressTranslator, EC2MultiRegionTranslator } from "./others.ts";
