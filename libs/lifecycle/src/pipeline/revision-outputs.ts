// The revision output types and their one reader live in @berth/core (the api reads them too and
// may not import lifecycle); re-exported here for the stages that import them from this path.
export type { RevisionImages, RevisionWiring } from '@berth/core';
