// Starts `talkbench dap` (stdin/stdout) as the debug adapter of "type": "talkbench", and
// `talkbench lsp` as the language server of .bas dialogs when vscode-languageclient is installed
// (`npm install` in this folder); without it the debugger works alone.
const vscode = require("vscode");

let languageClient;

function talkbenchCommand() {
  return vscode.workspace.getConfiguration("talkbench").get("command", "talkbench");
}

function startLanguageServer(context) {
  let lsp;
  try {
    lsp = require("vscode-languageclient/node");
  } catch (e) {
    return; // no node_modules: debugging only
  }
  const settings = vscode.workspace.getConfiguration("talkbench");
  const server = { command: talkbenchCommand(), args: ["lsp"] };
  languageClient = new lsp.LanguageClient(
    "talkbench", "Talkbench", server,
    {
      documentSelector: [{ scheme: "file", language: "gbasic" }],
      initializationOptions: { db: settings.get("db") || undefined, bot: settings.get("bot") },
    });
  languageClient.start();
  context.subscriptions.push({ dispose: () => languageClient && languageClient.stop() });
}

function activate(context) {
  const factory = {
    createDebugAdapterDescriptor(session) {
      // "debugServer": N in launch.json connects to a running `talkbench dap --port N` instead.
      if (session.configuration.debugServer) {
        return new vscode.DebugAdapterServer(session.configuration.debugServer, "127.0.0.1");
      }
      return new vscode.DebugAdapterExecutable(talkbenchCommand(), ["dap"]);
    },
  };
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory("talkbench", factory));
  startLanguageServer(context);
}

function deactivate() {
  return languageClient ? languageClient.stop() : undefined;
}

module.exports = { activate, deactivate };
