/** The Node (and Bun) ESM consumer: `node node.mjs HOST:PORT`. @module */
import { Client } from "@cql/driver";
import { exercise } from "./exercise.mjs";

const result = await exercise(Client, process.argv[2]);
const resolved = import.meta.resolve("@cql/driver");
console.log(`RESULT ${JSON.stringify({ ...result, resolved })}`);
