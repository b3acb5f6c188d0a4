// Decorators in JavaScript (Babel): ESLint's default parser does not take them yet, so the
// engine parses this file with typescript-eslint's parser.
import * as traceloop from "@traceloop/node-server-sdk";

export class Indexer {
  @traceloop.workflow({ name: "reindex" })
  async reindex() {
    if (!process.env.INDEX) {
      console.error("INDEX is not set");
      process.exit(1);
    }
  }
}
