// Runs sopfsm's SCXML exports on SCION (@scion-scxml/scxml), an ECMAScript SCXML
// interpreter, and reports where each answer path ends and the outcome its <donedata>
// gives. Reads JSON on stdin: {"documents": {sop_id: scxml}, "paths": [{"sop": sop_id,
// "answers": [value, ...]}]}; writes JSON: one {"state", "outcome"} (or {"error"}) a path.
"use strict";

const scxml = require("@scion-scxml/scxml");

function prepare(url, document) {
  return new Promise((resolve, reject) => {
    let called = false;
    scxml.documentStringToModel(url, document, (error, model) => {
      // After a compile error SCION calls back a second time, with no error and no model.
      if (called) return;
      called = true;
      if (error) return reject(error);
      model.prepare((prepareError, fnModel) => {
        if (prepareError) return reject(prepareError);
        resolve(fnModel);
      });
    });
  });
}

// The outcome is what a parent session receives in done.invoke: the exported machine
// runs as an invoked child of a session that records the event's data.
function run(fnModel, answers) {
  return new Promise((resolve) => {
    const received = [];
    const parent = { gen: (event) => received.push(event) };
    const machine = new scxml.core.Statechart(fnModel, {
      parentSession: parent,
      invokeid: "sop",
    });
    machine.on("onError", (error) => received.push({ name: "error", data: error }));
    machine.start();
    for (const value of answers) {
      if (machine.isFinal()) break;
      machine.gen({ name: "answer", data: { value } });
    }
    // done.invoke is sent asynchronously (setTimeout), so wait a turn before reading it.
    setTimeout(() => {
      const configuration = machine.getConfiguration();
      const done = received.find((event) => event.name === "done.invoke.sop");
      const errors = received.filter((event) => event.name === "error");
      resolve({
        state: configuration.length === 1 ? configuration[0] : configuration,
        final: machine.isFinal(),
        outcome: done && done.data ? done.data.outcome : null,
        errors: errors.map((event) => String(event.data && (event.data.message || event.data.data || event.data))),
      });
    }, 0);
  });
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const models = {};
  for (const [sopId, document] of Object.entries(request.documents)) {
    try {
      models[sopId] = { fnModel: await prepare(`${sopId}.scxml`, document) };
    } catch (error) {
      models[sopId] = { error: String((error && error.message) || error) };
    }
  }
  const results = [];
  for (const path of request.paths) {
    const model = models[path.sop];
    if (model.error) {
      results.push({ error: model.error });
      continue;
    }
    try {
      results.push(await run(model.fnModel, path.answers));
    } catch (error) {
      results.push({ error: String((error && error.message) || error) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
