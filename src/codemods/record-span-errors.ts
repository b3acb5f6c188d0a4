/** `jscodeshift -t dist/codemods/record-span-errors.js <paths>`: see docs/codemods/record-span-errors.md. */
import { type CodemodTransform, transformFor } from "./transform";

const transform: CodemodTransform = transformFor("record-span-errors");
export = transform;
