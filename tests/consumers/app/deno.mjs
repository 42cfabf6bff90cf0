/** The Deno consumer, in an app whose deno.json links the checkout as jsr:@cql/driver. @module */
import { Client } from "@cql/driver";
import { exercise } from "./exercise.mjs";

const result = await exercise(Client, Deno.args[0]);
const resolved = import.meta.resolve("@cql/driver");
console.log(`RESULT ${JSON.stringify({ ...result, resolved })}`);
