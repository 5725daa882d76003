/** The editor's methods of FieldmarkApi for one caller (FieldmarkService.as spreads them in). */
import type { Caller, TaskApi } from '../../common/api/contract';
import type { EventHub } from '../../common/api/events';
import type { EditCommand } from '../../common/commands/types';
import { currentCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { TaskEditor } from './task-editor';

const editors = new WeakMap<Db, TaskEditor>();

/** One TaskEditor (and history cache) per database connection. */
export function taskEditor(db: Db, events: EventHub): TaskEditor {
  let e = editors.get(db);
  if (!e) editors.set(db, (e = new TaskEditor(db, events)));
  return e;
}

export function taskApi(db: Db, events: EventHub, caller: Caller): TaskApi {
  const ed = () => taskEditor(db, events);
  const categories = () => currentCampaign(db)?.settings.categories.map((c) => c.id) ?? [];
  return {
    nextTask: async () => ed().nextTask(caller),
    openTask: async (id: number) => ed().openTask(caller, id),
    editTask: async (id: number, revision: number, command: EditCommand) => ed().editTask(caller, id, revision, command, categories()),
    undoTask: async (id: number, revision: number) => ed().undoTask(caller, id, revision),
    redoTask: async (id: number, revision: number) => ed().redoTask(caller, id, revision),
    submitTask: async (id: number, revision: number) => ed().submitTask(caller, id, revision),
    returnTask: async (id: number, reason?: string) => ed().returnTask(caller, id, reason),
  };
}
