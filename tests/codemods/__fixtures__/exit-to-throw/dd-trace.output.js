const tracer = require("dd-trace").init();

exports.handle = (request) =>
  tracer.trace("web.request", () => {
    if (!request.user) {
      console.error("no user on request");
      throw Object.assign(new Error("no user on request"), { exitCode: 1 });
    }
    return request.user;
  });
