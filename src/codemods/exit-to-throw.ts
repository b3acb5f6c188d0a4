/** `jscodeshift -t dist/codemods/exit-to-throw.js <paths>`: see docs/codemods/exit-to-throw.md. */
import { type CodemodTransform, transformFor } from "./transform";

const transform: CodemodTransform = transformFor("exit-to-throw");
export = transform;
