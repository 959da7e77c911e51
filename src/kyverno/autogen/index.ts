// Public surface of kyverno/autogen: generated pod-controller rules.
export {
  AUTOGEN_CONTROLLERS_ANNOTATION,
  autogenAnnotationWarnings,
  autogenControllers,
  autogenReferenceWarnings,
  autogenRuleName,
  computeRules,
  TEMPLATE_CONTROLLERS,
} from './autogen.js';
