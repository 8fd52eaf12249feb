// One extension, both servers: `talkbench lsp` is the language server of .bas dialogs
// (through vscode-languageclient) and `talkbench dap` the debug adapter of "type": "talkbench".
// What each command is comes from servers.js, which a test runs outside VS Code.
const vscode = require("vscode");
const servers = require("./servers");

let languageClient;

function settings() {
  return vscode.workspace.getConfiguration("talkbench");
}

function startLanguageServer(context) {
  let lsp;
  try {
    lsp = require("vscode-languageclient/node");
  } catch (e) {
    // A copy of the folder without `npm install`: say so, and keep the debugger working.
    vscode.window.showWarningMessage(
      "Talkbench: run `npm install` in the extension's folder to get the language server " +
      "(vscode-languageclient is missing); debugging works without it.");
    return undefined;
  }
  languageClient = new lsp.LanguageClient(
    "talkbench", "Talkbench", servers.languageServer(settings()),
    {
      documentSelector: [{ scheme: "file", language: "gbasic" }],
      initializationOptions: servers.initializationOptions(settings()),
    });
  context.subscriptions.push({ dispose: () => languageClient && languageClient.stop() });
  return languageClient.start();
}

function activate(context) {
  const factory = {
    createDebugAdapterDescriptor(session) {
      const adapter = servers.debugAdapter(settings(), session.configuration);
      if (adapter.kind === "server") {
        return new vscode.DebugAdapterServer(adapter.port, adapter.host);
      }
      return new vscode.DebugAdapterExecutable(adapter.command, adapter.args);
    },
  };
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory("talkbench", factory));
  return startLanguageServer(context);
}

function deactivate() {
  return languageClient ? languageClient.stop() : undefined;
}

module.exports = { activate, deactivate };
