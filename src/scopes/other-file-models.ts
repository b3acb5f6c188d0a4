/**
 * Models of other files of a type-checked program, as their own lint builds them, shared by the searches that read
 * them (src/scopes/traced-phase.ts, src/scopes/reached-from-importers.ts): an importer both ask about is parsed once.
 *
 * A model holds the file's whole ESTree, scopes and tokens, and a program can have hundreds of importers: each search
 * keeps only what it found (a phase, the calls in spans), and this cache keeps the last MAX_MODELS models parsed per
 * program and catalogue. The rule asks the span search first (at most 24 nearest importers) and the phase search
 * then walks the same importers nearest first, so an importer both read is still here when the second asks.
 */
import type { ParserServicesWithTypeInformation } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import { cachedPair } from "./ast";
import { loadTypeScript } from "./cross-file";
import type { FileModel } from "./model";
import { modelOfOtherFile } from "./model";
import { parseSourceCode } from "./parser";
import type { Catalogue } from "./settings";

/** Models kept per program and catalogue, most recently used last: twice the span search's importers. */
const MAX_MODELS = 48;

const byProgram = new WeakMap<TS.Program, WeakMap<Catalogue, Map<string, FileModel | null>>>();

/** `source`'s model with the program's parser services, or undefined when it does not parse. */
export function otherFileModel(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue): FileModel | undefined {
  const models = cachedPair(byProgram, program, catalogue, () => new WeakMap(), () => new Map<string, FileModel | null>());
  let model = models.get(source.fileName);
  if (model === undefined) {
    const ts = loadTypeScript();
    const sourceCode = parseSourceCode(source.fileName, source.text, ts.isExternalModule(source) ? "module" : "script", program);
    const services = sourceCode?.parserServices as ParserServicesWithTypeInformation | undefined;
    model = sourceCode && services?.program ? modelOfOtherFile(sourceCode, catalogue, source.fileName) : null;
  } else {
    models.delete(source.fileName);
  }
  models.set(source.fileName, model);
  if (models.size > MAX_MODELS) models.delete(models.keys().next().value as string);
  return model ?? undefined;
}
