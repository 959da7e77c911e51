// Public surface of kyverno/anchor: anchor parsing and kinds (kyverno@v1.10.7:pkg/engine/anchor).
export type { Anchor, AnchorKind } from './parse.js';
export { anchorString, parseAnchor } from './parse.js';
