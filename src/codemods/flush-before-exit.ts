/** `jscodeshift -t dist/codemods/flush-before-exit.js <paths>`: see docs/codemods/flush-before-exit.md. */
import { transformFor } from "./transform";

const transform = transformFor("flush-before-exit");
export = transform;
