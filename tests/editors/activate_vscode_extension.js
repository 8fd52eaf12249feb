// Activates editors/vscode/extension.js in plain node and prints, as JSON, the language server
// command it hands to vscode-languageclient and the debug adapters its factory returns.
//
// VS Code cannot run here, so `vscode` and `vscode-languageclient/node` are small stand-ins
// that record what the extension passes them; the Python test then starts those commands as
// real processes and talks LSP and DAP to them.
//
//   node activate_vscode_extension.js EXTENSION_DIR SETTINGS_JSON
const Module = require("module");
const path = require("path");

const [extensionDir, settingsJson] = process.argv.slice(2);
const values = JSON.parse(settingsJson);
const recorded = { languageClients: [], factories: {}, warnings: [] };

const vscode = {
  workspace: {
    getConfiguration(section) {
      if (section !== "talkbench") throw new Error(`unexpected section ${section}`);
      return { get: (key, fallback) => (key in values ? values[key] : fallback) };
    },
  },
  window: { showWarningMessage: (message) => recorded.warnings.push(message) },
  debug: {
    registerDebugAdapterDescriptorFactory(type, factory) {
      recorded.factories[type] = factory;
      return { dispose() {} };
    },
  },
  DebugAdapterExecutable: class {
    constructor(command, args) { Object.assign(this, { kind: "executable", command, args }); }
  },
  DebugAdapterServer: class {
    constructor(port, host) { Object.assign(this, { kind: "server", port, host }); }
  },
};

const languageClientModule = {
  LanguageClient: class {
    constructor(id, name, serverOptions, clientOptions) {
      recorded.languageClients.push({ id, name, serverOptions, clientOptions });
      this.started = false;
    }
    start() { this.started = true; return Promise.resolve(); }
    stop() { return Promise.resolve(); }
  },
};

const standIns = { vscode, "vscode-languageclient/node": languageClientModule };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request in standIns ? standIns[request] : load.call(this, request, parent, isMain);
};

const extension = require(path.resolve(extensionDir, "extension.js"));
const context = { subscriptions: [] };
Promise.resolve(extension.activate(context)).then(() => {
  const factory = recorded.factories.talkbench;
  const launch = { type: "talkbench", request: "launch", program: "x.bas" };
  console.log(JSON.stringify({
    languageClients: recorded.languageClients,
    debugAdapter: factory && factory.createDebugAdapterDescriptor({ configuration: launch }),
    debugServer: factory && factory.createDebugAdapterDescriptor(
      { configuration: { ...launch, debugServer: 4711 } }),
    subscriptions: context.subscriptions.length,
    warnings: recorded.warnings,
    packageJson: require(path.resolve(extensionDir, "package.json")),
  }));
});
