// `npm run build:web` (part of npm run build): bundles the web inbox into
// clients/web/dist and prints the module's size.
import { bundleWebInbox } from "./bundle-web-inbox.js";

const built = await bundleWebInbox();
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
process.stdout.write(
  `web inbox built in ${built.dir}: notification-inbox.js ${kib(built.moduleBytes)}, ${kib(built.moduleGzipBytes)} gzipped\n`,
);
