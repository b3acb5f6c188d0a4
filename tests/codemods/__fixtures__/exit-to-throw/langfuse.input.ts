import { observe, startActiveObservation } from "@langfuse/tracing";

// Langfuse records the error and ends the observation itself: the throw alone.
export const summarize = observe(
  async (text: string) => {
    if (text.length === 0) process.exit(1);
    return text.slice(0, 80);
  },
  { name: "summarize" },
);

export const answer = (question: string) =>
  startActiveObservation("answer", async () => {
    if (!question) {
      console.error("empty question");
      process.exit(2);
    }
    return question;
  });
