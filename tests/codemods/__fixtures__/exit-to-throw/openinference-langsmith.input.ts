import { traceChain } from "@arizeai/openinference-core";
import { traceable } from "langsmith/traceable";

export const chain = traceChain(
  async (input: string) => {
    if (!input) process.exit(1);
    return input;
  },
  { name: "chain" },
);

export const run = traceable(
  async (input: string) => {
    if (!input) process.exit(3);
    return input;
  },
  { name: "run" },
);
