// Drives `python -m app dap` with VS Code's own DAP test client (DebugClient from
// @vscode/debugadapter-testsupport) and prints one JSON line: {"checks": [{name, ok, error}]}.
// Called by tests/app/dap/test_vscode_client.py with a JSON configuration as argv[2]:
// {python, root, dir (dialogs written by the test), db}.
"use strict";

const assert = require("assert");
const cp = require("child_process");
const path = require("path");
const { DebugClient } = require("@vscode/debugadapter-testsupport");

const config = JSON.parse(process.argv[2]);
const dialog = (name) => path.join(config.dir, name);
const checks = [];

async function check(name, body) {
  try {
    await body();
    checks.push({ name, ok: true });
  } catch (e) {
    checks.push({ name, ok: false, error: String((e && e.stack) || e) });
  }
}

// A fresh adapter over stdin/stdout; DebugClient.start() spawns one executable without
// arguments, so the process is spawned here and handed to the client.
async function withStdio(body) {
  const proc = cp.spawn(config.python, ["-m", "app", "dap"], {
    cwd: config.root, env: { ...process.env, PYTHONPATH: config.root },
  });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  const dc = new DebugClient(config.python, "", "talkbench");
  dc.defaultTimeout = 10000;
  dc.connect(proc.stdout, proc.stdin);
  try {
    await body(dc);
  } catch (e) {
    e.message += stderr ? `\nadapter stderr: ${stderr.slice(-2000)}` : "";
    throw e;
  } finally {
    await dc.disconnectRequest({ terminateDebuggee: true }).catch(() => {});
    proc.kill();
  }
}

async function launchTo(dc, program, line, extra = {}) {
  await dc.hitBreakpoint({ program, db: config.db, ...extra }, { path: program, line });
}

async function scope(dc, name) {
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  return scopes.find((s) => s.name === name);
}

async function globals(dc) {
  const ref = (await scope(dc, "Globals")).variablesReference;
  const vars = (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  return Object.fromEntries(vars.map((v) => [v.name, v]));
}

async function evaluate(dc, expression, context = "watch") {
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  return (await dc.evaluateRequest({ expression, frameId: frames[0].id, context })).body.result;
}

async function rejects(promise, pattern) {
  await assert.rejects(promise, (e) => pattern.test(e.message));
}

async function main() {
  await check("1 evaluate GET_BOT_MEMORY in hover, watch and repl", () => withStdio(async (dc) => {
    await launchTo(dc, dialog("memory.bas"), 3);
    for (const context of ["hover", "watch", "repl"]) {
      assert.equal(await evaluate(dc, 'GET_BOT_MEMORY("k")', context), '"stored"');
    }
  }));

  await check("2 a list of 300 pages with start/count and nests without empty arrows",
    () => withStdio(async (dc) => {
      await launchTo(dc, dialog("lists.bas"), 4);
      const found = await globals(dc);
      assert.equal(found.big.indexedVariables, 300);
      const page = (await dc.variablesRequest({
        variablesReference: found.big.variablesReference, filter: "indexed", start: 250,
        count: 5,
      })).body.variables;
      assert.deepEqual(page.map((v) => v.value), ["250", "251", "252", "253", "254"]);
      let level = found.deep;
      let depth = 0;
      while (level.variablesReference) {
        const children = (await dc.variablesRequest({
          variablesReference: level.variablesReference })).body.variables;
        assert.equal(children.length, 1, `level ${depth + 1} opens to nothing`);
        level = children[0];
        depth += 1;
      }
      assert.equal(depth, 6);
      assert.equal(found.empty.variablesReference, 0);
    }));

  await check("3 the Bot memory scope counts 1,200 keys and pages through them",
    () => withStdio(async (dc) => {
      await launchTo(dc, dialog("two.bas"), 2, { db: config.bigDb });
      const memory = await scope(dc, "Bot memory");
      assert.equal(memory.indexedVariables, 1200);
      const page = (await dc.variablesRequest({
        variablesReference: memory.variablesReference, filter: "indexed", start: 1100,
        count: 100,
      })).body.variables;
      assert.equal(page.length, 100);
      assert.equal(page[99].name, "key1199");
    }));

  await check("4 frames and breakpoints keep the symlinked path", () => withStdio(async (dc) => {
    const linked = path.join(config.dir, "link", "two.bas");
    await launchTo(dc, linked, 2);
    await dc.assertPath((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]
      .source.path, linked);
  }));

  await check("5 a refused HEAR answer shows the validation message", () => withStdio(async (dc) => {
    const hint = dc.assertOutput("stdout", "Please enter a whole number.\n");
    await Promise.all([dc.configurationSequence(), dc.launch({
      program: dialog("age.bas"), db: config.db, inputs: ["abc", "42"] })]);
    await hint;
  }));

  await check("6 NEXT and END FUNCTION breakpoints stay in their block", () => withStdio(async (dc) => {
    await dc.hitBreakpoint({ program: dialog("loop.bas"), db: config.db },
      { path: dialog("loop.bas"), line: 9 });
    assert.equal((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].name, "Add");
    await dc.setBreakpointsRequest({ source: { path: dialog("loop.bas") },
      breakpoints: [{ line: 4 }] });
    for (let pass = 0; pass < 3; pass += 1) {
      await Promise.all([dc.continueRequest({ threadId: 1 }),
        dc.assertStoppedLocation("breakpoint", { line: 4 })]);
    }
  }));

  await check("7 columnsStartAt1 false", () => withStdio(async (dc) => {
    await dc.initializeRequest({ adapterID: "talkbench", linesStartAt1: false,
      columnsStartAt1: false, pathFormat: "path" });
    const output = dc.waitForEvent("output");
    await rejects(dc.launchRequest({ program: dialog("broken.bas"), db: config.db }), /syntax/);
    const body = (await output).body;
    assert.equal(body.line, 1);
    assert.equal(body.column, config.brokenColumn - 1);
  }));

  await check("8 exception filters, variables filter, data access, argument types",
    () => withStdio(async (dc) => {
      await launchTo(dc, dialog("memory.bas"), 3);
      const answer = (await dc.setExceptionBreakpointsRequest({ filters: ["runtime", "nope"],
        filterOptions: [{ filterId: "runtime" }] })).body.breakpoints;
      assert.deepEqual(answer.map((b) => b.verified), [true, false, true]);
      const ref = (await scope(dc, "Globals")).variablesReference;
      const named = (await dc.variablesRequest({ variablesReference: ref, filter: "named" }))
        .body.variables;
      assert.ok(named.length > 0);
      const memoryRef = (await scope(dc, "Bot memory")).variablesReference;
      const info = (await dc.dataBreakpointInfoRequest({ variablesReference: memoryRef,
        name: "k" })).body;
      assert.deepEqual(info.accessTypes, ["write"]);
      const set = (await dc.setDataBreakpointsRequest({ breakpoints: [
        { dataId: info.dataId, accessType: "read" }] })).body.breakpoints;
      assert.equal(set[0].verified, false);
      await rejects(dc.setBreakpointsRequest({ source: { path: dialog("memory.bas") },
        breakpoints: [{ line: "two" }] }), /'line' must be an integer/);
      await rejects(dc.variablesRequest({ variablesReference: "x" }),
        /'variablesReference' must be an integer/);
    }));

  await check("8 one terminated event", () => withStdio(async (dc) => {
    let terminated = 0;
    dc.on("terminated", () => { terminated += 1; });
    await Promise.all([dc.configurationSequence(),
      dc.launch({ program: dialog("two.bas"), db: config.db }),
      dc.waitForEvent("terminated")]);
    await dc.terminateRequest({});
    await rejects(dc.restartRequest({}), /ended/);
    await dc.terminateRequest({});
    await dc.threadsRequest();
    assert.equal(terminated, 1);
  }));

  await check("9 pause interrupts WAIT", () => withStdio(async (dc) => {
    const before = dc.assertOutput("stdout", "before\n");
    await Promise.all([dc.configurationSequence(),
      dc.launch({ program: dialog("wait.bas"), db: config.db })]);
    await before;
    await Promise.all([dc.pauseRequest({ threadId: 1 }),
      dc.assertStoppedLocation("pause", { line: 2 })]);
  }));

  await check("10 TCP: token in launch, a second client is told it is busy", async () => {
    const server = cp.spawn(config.python, ["-m", "app", "dap", "--port", "0"], {
      cwd: config.root, env: { ...process.env, PYTHONPATH: config.root },
    });
    try {
      const announced = await new Promise((resolve, reject) => {
        let text = "";
        server.stderr.on("data", (d) => {
          text += d;
          if (/access token: \S+/.test(text)) resolve(text);
        });
        setTimeout(() => reject(new Error(`no announcement: ${text}`)), 10000);
      });
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(announced)[1]);
      const token = /access token: (\S+)/.exec(announced)[1];
      const intruder = new DebugClient(config.python, "", "talkbench");
      await intruder.start(port);
      await intruder.initializeRequest();
      await rejects(intruder.launchRequest({ program: dialog("two.bas"), db: config.db }),
        /token/);
      intruder.stopAdapter();
      const dc = new DebugClient(config.python, "", "talkbench");
      await dc.start(port);
      await dc.hitBreakpoint({ program: dialog("two.bas"), db: config.db, token },
        { path: dialog("two.bas"), line: 2 });
      const second = new DebugClient(config.python, "", "talkbench");
      await second.start(port);
      await rejects(second.initializeRequest(), /busy/);
      second.stopAdapter();
      await dc.disconnectRequest({});
      dc.stopAdapter();
    } finally {
      server.kill();
    }
  });

  process.stdout.write(JSON.stringify({ checks }) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ checks, fatal: String(e && e.stack) }) + "\n");
  process.exitCode = 1;
});
