import { traceChain } from "@arizeai/openinference-core";
import { traceable } from "langsmith/traceable";

export const chain = traceChain(
  async (input: string) => {
    if (!input) throw Object.assign(new Error("process.exit() in chain 'chain'"), { exitCode: 1 });
    return input;
  },
  { name: "chain" },
);

export const run = traceable(
  async (input: string) => {
    if (!input) throw Object.assign(new Error("process.exit() in run 'run'"), { exitCode: 3 });
    return input;
  },
  { name: "run" },
);
