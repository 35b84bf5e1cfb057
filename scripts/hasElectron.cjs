// Exit 0 when the Electron binary is installed. In plain Node, require('electron')
// returns the binary's path, and throws when the binary was never downloaded.
try {
  const path = require('electron');
  process.exit(typeof path === 'string' && require('node:fs').existsSync(path) ? 0 : 1);
} catch {
  process.exit(1);
}
