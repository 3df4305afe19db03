// TeamError: why a team, membership or user call was refused, as a stable code the management API
// maps to an HTTP answer (invalid input 400, not found 404, already exists 400). Shared by the team
// and user repositories: a membership names both. Messages name ids and emails, never a key.

export type TeamErrorCode = 'invalid_input' | 'team_not_found' | 'user_not_found' | 'member_not_found' | 'member_exists' | 'user_exists';

export class TeamError extends Error {
  readonly code: TeamErrorCode;
  /** The request field at fault, for the OpenAI error `param`. */
  readonly param: string | null;

  constructor(code: TeamErrorCode, message: string, param: string | null = null) {
    super(message);
    this.name = 'TeamError';
    this.code = code;
    this.param = param;
  }
}
