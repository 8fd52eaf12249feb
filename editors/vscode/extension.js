// Starts `talkbench dap` (stdin/stdout) as the debug adapter of "type": "talkbench".
const vscode = require("vscode");

function activate(context) {
  const factory = {
    createDebugAdapterDescriptor(session) {
      // "debugServer": N in launch.json connects to a running `talkbench dap --port N` instead.
      if (session.configuration.debugServer) {
        return new vscode.DebugAdapterServer(session.configuration.debugServer, "127.0.0.1");
      }
      const command = vscode.workspace.getConfiguration("talkbench").get("command", "talkbench");
      return new vscode.DebugAdapterExecutable(command, ["dap"]);
    },
  };
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory("talkbench", factory));
}

function deactivate() {}

module.exports = { activate, deactivate };
