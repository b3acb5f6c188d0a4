const tracer = require("dd-trace").init();

exports.handle = (request) =>
  tracer.trace("web.request", () => {
    if (!request.user) {
      console.error("no user on request");
      process.exit(1);
    }
    return request.user;
  });
