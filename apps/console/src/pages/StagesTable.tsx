import type { EnvironmentDetail } from '../api.js';
import { StateBadge } from '../components/StateBadge.js';
import { duration } from '../format.js';

export type StageRow = EnvironmentDetail['stages'][number];

/** A generation's stage runs, every attempt, with durations and errors (redacted by the api). */
export function StagesTable({ stages }: { stages: readonly StageRow[] }) {
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((stage) => (
            <tr key={`${stage.stage}-${stage.attempt}`}>
              <th scope="row">
                {stage.stage}
                {stage.attempt > 1 ? ` (try ${stage.attempt})` : ''}
              </th>
              <td>
                <StateBadge state={stage.status} />
              </td>
              <td>{stage.durationMs === null ? '—' : duration(stage.durationMs)}</td>
              <td className="error-cell">{stage.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
