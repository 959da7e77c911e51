// The variables module's JMESPath entry point: Kyverno's JMESPath (kyverno/jmespath), re-exported so
// substitution and the engine share one import site.
export { JmespathError, searchJmespath } from '../jmespath/index.js';
