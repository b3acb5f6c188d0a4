// A stand-in for the AWS Bedrock runtime client: no network, no AWS SDK, same failure the incident had.
// The real client rejects with a CredentialsProviderError when no credentials chain yields keys.
import { setTimeout as delay } from "node:timers/promises";

export class CredentialsProviderError extends Error {
  override name = "CredentialsProviderError";
}

export interface InvokeModelInput {
  modelId: string;
  region: string;
  prompt: string;
}

export class FakeBedrockClient {
  readonly #failWith: string | undefined;
  readonly #latencyMs: number;

  /**
   * failWith: "credentials" makes every call reject like a machine without AWS credentials.
   * latencyMs: how long a call takes (default 10). The real credential chain probes the instance metadata
   * service before giving up, so failures can take seconds: long enough for a batch export to ship the
   * spans that already ended, which is how the incident's trace ended up with orphan spans.
   */
  constructor(options: { failWith?: string; latencyMs?: number } = {}) {
    this.#failWith = options.failWith;
    this.#latencyMs = options.latencyMs ?? 10;
  }

  async invokeModel(input: InvokeModelInput): Promise<{ completion: string }> {
    // A real call is never synchronous; the failure arrives after the request has started.
    await delay(this.#latencyMs);
    if (this.#failWith === "credentials") {
      throw new CredentialsProviderError("Could not load credentials from any providers");
    }
    return { completion: `(${input.modelId} in ${input.region}) Refunds are accepted within 30 days.` };
  }
}
