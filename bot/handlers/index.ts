import type { ActionTable } from '../actions';
import { adminActions } from './admin';
import { claimActions } from './claims';
import { documentActions } from './documents';
import { exportActions } from './exports';
import { reviewActions } from './review';
import { reviewWorkloadActions } from './reviewWorkload';
import { uploadRequestActions } from './uploadRequests';

/** Every Action.Execute verb the bot answers (cards/actions.ts VERBS lists what the cards emit). */
export const ACTIONS: ActionTable = {
  ...adminActions,
  ...claimActions,
  ...documentActions,
  ...exportActions,
  ...reviewActions,
  ...reviewWorkloadActions,
  ...uploadRequestActions,
};
