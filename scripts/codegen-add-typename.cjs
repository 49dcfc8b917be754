// graphql-codegen document transform (codegen.yml): the client preset's own __typename transform, loadable from YAML.
const { addTypenameSelectionDocumentTransform } = require('@graphql-codegen/client-preset');

module.exports = { transform: addTypenameSelectionDocumentTransform.transform };
