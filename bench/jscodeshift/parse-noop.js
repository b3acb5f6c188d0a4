// The cheapest transform that reads the code: parses each file (with the parser given by
// --parser) and changes nothing. The floor of any real jscodeshift codemod.
module.exports = function parseNoop(file, api) {
  api.jscodeshift(file.source);
  return undefined;
};
