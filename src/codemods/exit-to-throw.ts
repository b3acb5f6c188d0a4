/** `jscodeshift -t dist/codemods/exit-to-throw.js <paths>`: see docs/codemods/exit-to-throw.md. */
import { transformFor } from "./transform";

const transform = transformFor("exit-to-throw");
export = transform;
