import type { PostureSnapshot } from './domain.js';

/** The scans' counts, kept for the weekly picture. */
export interface PostureStore {
  record(id: string, snapshot: PostureSnapshot): Promise<void>;
  /** Snapshots taken at or after `since`, oldest first. */
  since(since: number): Promise<PostureSnapshot[]>;
}
