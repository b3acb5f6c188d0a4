/**
 * Calls that take a callback and drop what it returns, so a promise it returns
 * floats:
 *
 *   items.forEach(async (item) => { … })      forEach ignores the promises
 *   setTimeout(async () => { … }, 1000)       timers and process.nextTick ignore them
 *   queue.on("job", async (job) => { … })     EventEmitter listeners: a rejection is unhandled
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { memberName, skipWrappers, staticString } from "../../scopes/ast";
import type { SyntaxJudge } from "./syntax";

export interface CallbackSite {
  readonly call: TSESTree.CallExpression;
  readonly callback: TSESTree.Node;
  /** How the message names the call: `forEach()`, `setTimeout()`, `on("job")`. */
  readonly callee: string;
  readonly kind: "forEach" | "timer" | "listener";
}

/** Listener registration methods of Node's EventEmitter and of EventTarget. */
const LISTENER_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener", "addEventListener"]);
/** Global functions that run their first argument later and ignore its result. */
const TIMERS = ["setTimeout", "setInterval", "setImmediate", "queueMicrotask"] as const;

export function callbackSite(call: TSESTree.CallExpression, syntax: SyntaxJudge): CallbackSite | undefined {
  const callee = skipWrappers(call.callee);
  const args = call.arguments;
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const timer = TIMERS.find((name) => syntax.isGlobal(callee, name));
    const callback = args[0];
    if (!timer || !callback || callback.type === AST_NODE_TYPES.SpreadElement) return undefined;
    return { call, callback, callee: `${timer}()`, kind: "timer" };
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = memberName(callee);
  if (method === "forEach") {
    const callback = args[0];
    if (!callback || callback.type === AST_NODE_TYPES.SpreadElement) return undefined;
    return { call, callback, callee: "forEach()", kind: "forEach" };
  }
  if (method === "nextTick" && syntax.isGlobal(skipWrappers(callee.object), "process")) {
    const callback = args[0];
    if (!callback || callback.type === AST_NODE_TYPES.SpreadElement) return undefined;
    return { call, callback, callee: "process.nextTick()", kind: "timer" };
  }
  if (method !== undefined && LISTENER_METHODS.has(method)) {
    const [event, callback] = args;
    if (!event || !callback || callback.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const name = staticString(event);
    return { call, callback, callee: name === undefined ? `${method}()` : `${method}(${JSON.stringify(name)})`, kind: "listener" };
  }
  return undefined;
}
