// What the extension starts, worked out from its settings alone (no `vscode` import), so a
// test outside VS Code can load this module and start the very same commands.
//
// `settings` is anything with get(key, default), as vscode.workspace.getConfiguration returns.

function talkbench(settings) {
  const command = settings.get("command", "talkbench") || "talkbench";
  const args = settings.get("args", []);
  return { command, args: Array.isArray(args) ? args.map(String) : [] };
}

// vscode-languageclient's ServerOptions: `talkbench lsp` over stdin/stdout.
function languageServer(settings) {
  const { command, args } = talkbench(settings);
  return { command, args: [...args, "lsp"] };
}

// initializationOptions of the language server: the memory whose keys it completes/renames.
function initializationOptions(settings) {
  return { db: settings.get("db", "") || undefined, bot: settings.get("bot", "default") };
}

// The debug adapter for one launch configuration: `talkbench dap` over stdin/stdout, or a
// running `talkbench dap --port N` on 127.0.0.1 when the configuration names "debugServer".
function debugAdapter(settings, configuration) {
  if (configuration && configuration.debugServer) {
    return { kind: "server", port: Number(configuration.debugServer), host: "127.0.0.1" };
  }
  const { command, args } = talkbench(settings);
  return { kind: "executable", command, args: [...args, "dap"] };
}

module.exports = { languageServer, initializationOptions, debugAdapter };
