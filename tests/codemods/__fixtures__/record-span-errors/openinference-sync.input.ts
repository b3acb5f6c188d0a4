import { traceChain } from "@arizeai/openinference-core";

// OpenInference records and ends the span on a synchronous throw too from 2.0.7 (this repository has 2.7.1):
// no wrapper. Under 2.0.0–2.0.6 the same file gets one (tests/codemods/versions.test.ts).
export const parse = traceChain((text: string): unknown => JSON.parse(text), { name: "parse" });
