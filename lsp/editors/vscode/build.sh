#!/usr/bin/env bash
# Builds the VS Code extension into lsp/editors/vscode/tenet.vsix.
# Needs Node.js (20 or later) and npm; the packages come from the public npm
# registry. Install the result with `code --install-extension tenet.vsix`
# and put `tenet` on the PATH (or set "tenet.server.path").
set -euo pipefail
cd "$(dirname "$0")"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
# The grammar and configuration must be valid JSON.
node -e 'for (const f of ["package.json", "language-configuration.json", "syntaxes/tenet.tmLanguage.json"]) JSON.parse(require("fs").readFileSync(f, "utf8"))'
node --check extension.js
npm run --silent package
echo "built $(pwd)/tenet.vsix"
