/** `jscodeshift -t dist/codemods/flush-before-exit.js <paths>`: see docs/codemods/flush-before-exit.md. */
import { type CodemodTransform, transformFor } from "./transform";

const transform: CodemodTransform = transformFor("flush-before-exit");
export = transform;
