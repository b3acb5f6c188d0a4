/** `jscodeshift -t dist/codemods/await-floating-promises.js <paths>`: see docs/codemods/await-floating-promises.md. */
import { type CodemodTransform, transformFor } from "./transform";

const transform: CodemodTransform = transformFor("await-floating-promises");
export = transform;
