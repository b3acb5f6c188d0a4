/** `jscodeshift -t dist/codemods/record-span-errors.js <paths>`: see docs/codemods/record-span-errors.md. */
import { transformFor } from "./transform";

const transform = transformFor("record-span-errors");
export = transform;
