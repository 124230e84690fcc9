"""Neuron and neural-network models: small recurrent networks and excitable membranes."""

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "neural"


def _saturation(x):
    """The piecewise-linear output ½(|x + 1| − |x − 1|) of a cellular neural network."""
    return 0.5 * (jnp.abs(x + 1.0) - jnp.abs(x - 1.0))


@register_system("beer_rnn-v1", aliases=("BeerRNN",))
class BeerRNN(AbstractSystem):
    """Beer's continuous-time recurrent neural network with three neurons.

    τᵢ ẏᵢ = −yᵢ + Σⱼ wᵢⱼ σ(yⱼ + θⱼ), σ the logistic function.
    """

    tau: tuple[float, ...] = eqx.field(default=(1.0, 2.5, 1.0), static=True)
    theta: tuple[float, ...] = eqx.field(default=(-4.108, -2.787, -1.114), static=True)
    w: tuple[tuple[float, ...], ...] = eqx.field(
        default=((5.422, -0.018, 2.75), (-0.24, 4.59, 1.21), (0.535, -2.25, 3.885)), static=True
    )

    default_initial_condition = (1.5014532, 2.3742845, 0.65819415)
    citation = (
        "Beer, R. D. (1995). On the dynamics of small continuous-time recurrent neural networks. "
        "Adapt. Behav., 3(4), 4692013509."
    )
    description = "A two-neuron minimal model nervous system."
    dt_hint = 0.4

    def vector_field(self, t, y, args):
        w = jnp.asarray(self.w)
        s = 1.0 / (1.0 + jnp.exp(-(y + jnp.asarray(self.theta))))
        return (-y + w @ s) / jnp.asarray(self.tau)


@register_system("hopfield-v1", aliases=("Hopfield",))
class Hopfield(AbstractSystem):
    """Lewis and Glass's frustrated Hopfield-type network of six units.

    ẏ = −y/τ + ½(1 + tanh(ε K y)) − β.
    """

    beta: float = 0.5
    eps: float = 10.0
    k: tuple[tuple[float, ...], ...] = eqx.field(
        default=(
            (0.0, -1.0, 0.0, 0.0, -1.0, -1.0),
            (0.0, 0.0, 0.0, -1.0, -1.0, -1.0),
            (-1.0, -1.0, 0.0, 0.0, -1.0, 0.0),
            (-1.0, -1.0, -1.0, 0.0, 0.0, 0.0),
            (-1.0, -1.0, 0.0, -1.0, 0.0, 0.0),
            (0.0, -1.0, -1.0, -1.0, 0.0, 0.0),
        ),
        static=True,
    )
    tau: float = 2.5

    default_initial_condition = (
        -0.67127393,
        -0.2420173,
        -0.055676628,
        0.34697948,
        0.45273118,
        0.78389688,
    )
    citation = "Lewis & Glass, Neur Comp (1992)"
    description = "A neural network with frustrated connectivity"
    dt_hint = 0.02

    def vector_field(self, t, y, args):
        k = jnp.asarray(self.k)
        return -y / self.tau + 0.5 * (1.0 + jnp.tanh(self.eps * (k @ y))) - self.beta


@register_system("cellular_neural_network-v1", aliases=("CellularNeuralNetwork",))
class CellularNeuralNetwork(AbstractSystem):
    """Three-cell cellular neural network (Arena et al.).

    ẋ = −x + d f(x) − b f(y) − b f(z), ẏ = −y − b f(x) + c f(y) − a f(z),
    ż = −z − b f(x) + a f(y) + f(z), with f the saturation ½(|u + 1| − |u − 1|).
    """

    a: float = 4.4
    b: float = 3.21
    c: float = 1.1
    d: float = 1.24

    default_initial_condition = (-0.26574016, -0.36754928, -0.073094132)
    citation = "Arena, Caponetto, Fortuna, and Porto., Int J Bifurcat Chaos. 1998:  1527-1539."
    description = "Cellular neural network dynamics."
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        x, yy, z = y
        fx, fy, fz = _saturation(x), _saturation(yy), _saturation(z)
        return jnp.stack(
            [
                -x + self.d * fx - self.b * fy - self.b * fz,
                -yy - self.b * fx + self.c * fy - self.a * fz,
                -z - self.b * fx + self.a * fy + fz,
            ]
        )


@register_system("hindmarsh_rose-v1", aliases=("HindmarshRose",))
class HindmarshRose(AbstractSystem):
    """Hindmarsh–Rose bursting neuron (dysts' time-scaled form).

    ẋ = −x + (y − ax³ + bx² + z)/tₓ, ẏ = −ax³ − (d − b)x² + z, ż = (c − sx − z)/t_z.
    """

    a: float = 0.49
    b: float = 1.0
    c: float = 0.0322
    d: float = 1.0
    s: float = 1.0
    tx: float = 0.03
    tz: float = 0.8

    default_initial_condition = (0.031111835, -0.021557059, 0.041475046)
    citation = "Marhl, Perc. Chaos, Solitons, Fractals 2005."
    description = "A neuron model exhibiting spiking and bursting."
    dt_hint = 0.004

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -x + (yy - self.a * x**3 + self.b * x**2 + z) / self.tx,
                -self.a * x**3 - (self.d - self.b) * x**2 + z,
                (self.c - self.s * x - z) / self.tz,
            ]
        )


@register_system("excitable_cell-v1", aliases=("ExcitableCell",))
class ExcitableCell(AbstractSystem):
    """Chay's three-variable model of an excitable (β-)cell: voltage v, K⁺ gate n, Ca²⁺ c.

    C v̇ = g_I m∞³h∞(v_I − v) + g_KV n⁴(v_K − v) + g_KC c/(1 + c)(v_K − v) + g_L(v_L − v),
    ṅ = (n∞ − n)/τₙ, ċ = ρ(m∞³h∞(v_C − v) − k_C c),
    with Hodgkin–Huxley rate functions whose coefficients are the ``a*``/``b*`` fields
    (e.g. αₘ = ams(v + amvb)/(1 − exp(−ams·v − amvo)), βₘ = bms·exp(−bmr·v − bmo)) and
    τₙ = 1/(tscl(αₙ + βₙ)). ``vm`` and ``vn`` (the half-activation voltages folded into
    ``bmo`` and ``bno``) are kept for parity with the catalogue and are not used.
    """

    aho: float = 2.5
    ahr: float = 0.05
    ahs: float = 0.07
    ams: float = 0.1
    amvb: float = 25.0
    amvo: float = 2.5
    ans: float = 0.01
    anvb: float = 20.0
    anvo: float = 2.0
    ar: float = 0.1
    bho: float = 2.0
    bhr: float = 0.1
    bmo: float = 2.7777777777777777
    bmr: float = 0.05555555555555555
    bms: float = 4.0
    bno: float = 0.375
    bnr: float = 0.0125
    bns: float = 0.125
    gi: float = 1800.0
    gkc: float = 11.0
    gkv: float = 1700.0
    gl: float = 7.0
    kc: float = 0.183333
    rho: float = 0.27
    tscl: float = 230.0
    vc: float = 100.0
    vi: float = 100.0
    vk: float = -75.0
    vl: float = -40.0
    vm: float = -50.0
    vn: float = -30.0

    default_initial_condition = (-44.57779976420271, 0.13121643614884418, 0.4658533583951385)
    citation = "Teresa Chay. Chaos In A Three-variable Model Of An Excitable Cell. Physica D 1985"
    description = (
        "A reduced-order variant of the Hodgkin-Huxley model. The parameter gkc controls the "
        "onset of chaos."
    )
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        v, n, c = y
        alpha_m = self.ams * (v + self.amvb) / (1.0 - jnp.exp(-self.ams * v - self.amvo))
        beta_m = self.bms * jnp.exp(-self.bmr * v - self.bmo)
        alpha_h = self.ahs * jnp.exp(-self.ahr * v - self.aho)
        beta_h = 1.0 / (1.0 + jnp.exp(-self.bhr * v - self.bho))
        alpha_n = self.ans * (v + self.anvb) / (1.0 - jnp.exp(-self.ar * v - self.anvo))
        beta_n = self.bns * jnp.exp(-self.bnr * v - self.bno)
        m_inf = alpha_m / (alpha_m + beta_m)
        h_inf = alpha_h / (alpha_h + beta_h)
        n_inf = alpha_n / (alpha_n + beta_n)
        tau_n = 1.0 / (self.tscl * (alpha_n + beta_n))
        inward = m_inf**3 * h_inf
        v_dot = (
            self.gi * inward * (self.vi - v)
            + self.gkv * n**4 * (self.vk - v)
            + self.gkc * c / (1.0 + c) * (self.vk - v)
            + self.gl * (self.vl - v)
        )
        n_dot = (n_inf - n) / tau_n
        c_dot = self.rho * (inward * (self.vc - v) - self.kc * c)
        return jnp.stack([v_dot, n_dot, c_dot])


@register_system("forced_fitz_hugh_nagumo-v2", aliases=("ForcedFitzHughNagumo",))
class ForcedFitzHughNagumo(AbstractSystem):
    """Periodically forced FitzHugh–Nagumo neuron; the forcing phase is the third state.

    v̇ = v − v³/3 − w + I + f sin θ, ẇ = γ(v + a − bw), θ̇ = ω.
    """

    a: float = 0.7
    b: float = 0.8
    curr: float = 0.965
    f: float = 0.4008225
    gamma: float = 0.08
    omega: float = 0.043650793650793655

    default_initial_condition = (-1.2155252, -0.046470891, 0.0)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "FitzHugh, Richard (1961). Impulses and Physiological States in Theoretical Models of "
        "Nerve Membrane. Biophysical Journal. 1 (6)."
    )
    description = "A driven neuron model sustaining both quiesent and oscillating states."
    dt_hint = 0.08

    def vector_field(self, t, y, args):
        v, w, theta = y
        return jnp.stack(
            [
                v - v**3 / 3.0 - w + self.curr + self.f * jnp.sin(theta),
                self.gamma * (v + self.a - self.b * w),
                jnp.full_like(theta, self.omega),
            ]
        )
