/**
 * Agents: objects that do units of work when asked and say how many they did, run by an
 * AgentRunner (lib/agent_runner.ts) with an idle strategy between cycles that found nothing.
 * @module
 */

/**
 * An agent. `doWork` must not block: do what is ready (poll a channel with a limit, check a
 * timer) and return how many units it did, 0 when there was nothing to do.
 *
 * @example
 * ```ts
 * const agent: Agent = {
 *   roleName: "quotes",
 *   doWork: () => quotes.poll(onQuote, 64),
 * };
 * ```
 */
export interface Agent {
  /** A name for logs and errors, e.g. "market-data". */
  readonly roleName: string;
  /** One duty cycle: the units of work done (>= 0). Throwing counts as an error. */
  doWork(): number;
  /** Called once before the first doWork, where doWork will run. */
  onStart?(): void;
  /** Called once after the last doWork, where doWork ran. */
  onClose?(): void;
}

/** What a runner does after an error: keep calling doWork, or close the agent. */
export type ErrorAction = "continue" | "stop";

/** Receives an agent's errors; returning "stop" closes the agent (anything else continues). */
export type AgentErrorHandler = (error: unknown, agent: Agent) => ErrorAction | void;

/** Options of `CompositeAgent`. */
export interface CompositeAgentOptions {
  /** The composite's role name; default the members' joined with "+". */
  roleName?: string;
  /**
   * Receives each member's error. Without it, a cycle in which members failed throws once
   * every member has run: the error itself if one failed, an AggregateError if several.
   */
  onMemberError?: (error: unknown, member: Agent) => void;
}

/**
 * Several agents run as one, in order: work counts add up, and every member's onStart,
 * doWork and onClose run even when an earlier member threw.
 *
 * @example
 * ```ts
 * const both = new CompositeAgent([marketData, orders], { roleName: "gateway" });
 * const runner = AgentRunner.start(both);
 * ```
 */
export class CompositeAgent implements Agent {
  /** The composite's role name. */
  readonly roleName: string;
  /** The members, in the order they run. */
  readonly members: readonly Agent[];
  readonly #onMemberError: ((error: unknown, member: Agent) => void) | undefined;

  constructor(members: readonly Agent[], options: CompositeAgentOptions = {}) {
    this.members = [...members];
    this.roleName = options.roleName ?? this.members.map((m) => m.roleName).join("+");
    this.#onMemberError = options.onMemberError;
  }

  /** Every member's onStart, in order; throws afterwards if any failed. */
  onStart(): void {
    let errors: unknown[] | undefined;
    for (const member of this.members) {
      try {
        member.onStart?.();
      } catch (error) {
        errors = this.#failed(error, member, errors);
      }
    }
    if (errors) throw combined(errors, this.roleName, "onStart");
  }

  /** Every member's doWork, in order: the sum of their work. */
  doWork(): number {
    let total = 0;
    let errors: unknown[] | undefined;
    for (const member of this.members) {
      try {
        total += member.doWork();
      } catch (error) {
        errors = this.#failed(error, member, errors);
      }
    }
    if (errors) throw combined(errors, this.roleName, "doWork");
    return total;
  }

  /** Every member's onClose, in order; throws afterwards if any failed. */
  onClose(): void {
    let errors: unknown[] | undefined;
    for (const member of this.members) {
      try {
        member.onClose?.();
      } catch (error) {
        errors = this.#failed(error, member, errors);
      }
    }
    if (errors) throw combined(errors, this.roleName, "onClose");
  }

  #failed(error: unknown, member: Agent, errors: unknown[] | undefined): unknown[] | undefined {
    if (this.#onMemberError) {
      this.#onMemberError(error, member);
      return errors;
    }
    return [...(errors ?? []), error];
  }
}

function combined(errors: unknown[], roleName: string, phase: string): unknown {
  if (errors.length === 1) return errors[0];
  return new AggregateError(errors, `${errors.length} members of "${roleName}" failed in ${phase}`);
}
