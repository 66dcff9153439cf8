"""Channel physics with scikit-rf: media, channel assembly, metrics, reach (see ../shared/DESIGN.md).

Modules, one concept each:

- :mod:`.conductor`  DC resistance, skin effect with internal inductance, roughness (Huray, Hammerstad, Groisse)
- :mod:`.dielectric` causal wideband Djordjevic-Sarkar permittivity from one datasheet point
- :mod:`.tline`      RLGC transmission-line Media base class and the incremental-inductance rule
- :mod:`.coax`, :mod:`.twinax`, :mod:`.stripline`  the media (skrf ``Media`` subclasses)
- :mod:`.via`, :mod:`.connector`, :mod:`.touchstone`  discontinuities and measured blocks
- :mod:`.channel`    ``channels/*.toml`` -> one differential skrf Network
- :mod:`.metrics`, :mod:`.rates`, :mod:`.reach`, :mod:`.sweep`, :mod:`.plots`
- link modules (pulse response, equalization, COM, eye, COM reach): :mod:`.pulse`, :mod:`.equalizer`,
  :mod:`.com`, :mod:`.eye`, :mod:`.com_reach`
"""
