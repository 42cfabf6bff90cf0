/** The Node CommonJS consumer: `node node.cjs HOST:PORT`. @module */
const { Client } = require("@cql/driver");

// The shared steps are ESM; only the driver has to come through require().
import("./exercise.mjs").then(async ({ exercise }) => {
  const result = await exercise(Client, process.argv[2]);
  const resolved = require.resolve("@cql/driver");
  console.log(`RESULT ${JSON.stringify({ ...result, resolved })}`);
}).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
