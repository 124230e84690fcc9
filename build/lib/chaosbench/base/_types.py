"""Shape-annotated type aliases shared across the package (jaxtyping)."""

from jaxtyping import Array, Float, PRNGKeyArray

State = Float[Array, " dim"]
Trajectory = Float[Array, "time dim"]
Trajectories = Float[Array, "batch time dim"]
Scalar = Float[Array, ""]
Key = PRNGKeyArray

__all__ = ["Array", "Float", "Key", "Scalar", "State", "Trajectories", "Trajectory"]
