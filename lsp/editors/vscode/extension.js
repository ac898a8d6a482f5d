// @ts-check
// Starts `tenet lsp` for `.tenet` files. Everything else (diagnostics,
// hover, navigation, highlight, completion, formatting of a file or a
// selection, semantic tokens, quick fixes, the "run test" lenses and their
// commands, inlay hints, the watcher on policy files) comes from the server
// through the standard protocol.
//
// No `transport` is set, so the client passes no `--stdio`: the server
// speaks stdio only, and accepts `--stdio` too should a transport be set.

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

function start() {
  const command = vscode.workspace.getConfiguration("tenet").get("server.path", "tenet");
  const run = { command, args: ["lsp"] };
  client = new LanguageClient(
    "tenet",
    "Tenet",
    { run, debug: run },
    { documentSelector: [{ language: "tenet" }] },
  );
  return client.start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("tenet.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start();
    }),
  );
  try {
    await start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `Tenet: could not start \`tenet lsp\` (${e}). Set "tenet.server.path" to the tenet executable.`,
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
