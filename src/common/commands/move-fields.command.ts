import { translatePolygon } from '../editing/geom';
import { checked, commitShapes, requireField } from './shapes';
import { type CommandSpec, plural } from './spec';
import { CommandError, type MoveFieldsCommand } from './types';

export const moveFieldsCommand: CommandSpec<MoveFieldsCommand> = {
  type: 'field.move',
  apply(graph, cmd) {
    if (cmd.ids.length === 0) throw new CommandError('no field to move');
    const [dx, dy] = cmd.delta;
    if (Math.abs(dx) > 1 || Math.abs(dy) > 1) throw new CommandError('a move of more than 1 degree is not an edit');
    const moved = cmd.ids.map((id) => {
      const f = requireField(graph, id);
      return { ...f, geometry: checked(translatePolygon(f.geometry, dx, dy), `moving field ${id}`) };
    });
    return commitShapes(graph, moved, cmd.trim, `moving ${plural(cmd.ids.length, 'field')}`);
  },
  annotate: (cmd) => `Moved ${plural(cmd.ids.length, 'field')}`,
};
