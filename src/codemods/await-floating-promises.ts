/** `jscodeshift -t dist/codemods/await-floating-promises.js <paths>`: see docs/codemods/await-floating-promises.md. */
import { transformFor } from "./transform";

const transform = transformFor("await-floating-promises");
export = transform;
