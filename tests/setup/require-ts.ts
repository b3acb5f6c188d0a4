/**
 * The codemod engine loads its heavy half (ESLint, the plugin, TypeScript) with a lazy
 * `require("./lint-engine")` so that files that fail the text prefilter never pay for it
 * (src/codemods/engine.ts). In dist/ that is a CommonJS `require` of a `.js` file; tests run
 * the TypeScript sources, so Node's `require` is taught `.ts` here (tsx's CommonJS hook).
 */
import { register } from "tsx/cjs/api";

register();
