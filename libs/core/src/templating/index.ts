export {
  type TemplateContext,
  TemplateError,
  hasTemplate,
  renderTemplate,
  renderTemplateMap,
} from './render.js';
export {
  type PreviewValues,
  renderServiceEnvironments,
  templateContext,
  urlVariableName,
} from './preview-environment.js';
