/** A {@link io.sluice.state.StateStore} in process memory, for unit tests and local runs. */
package io.sluice.state.memory;
