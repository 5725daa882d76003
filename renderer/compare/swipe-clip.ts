/**
 * The swipe's clip, inside the one MapLibre map: two custom layers bracket the layers of the
 * right-hand date, the first turns on a WebGL scissor rectangle right of the divider, the second
 * turns it off. MapLibre has no per-layer clip, and a second map over the first would cover the
 * labels and the editor on its side; here every overlay above the bracket (site frame, labels,
 * risk, the editor) stays drawn, whole, on both sides, and the camera needs no syncing.
 * MapLibre itself never uses the scissor test outside its debug overlay.
 */
import type { CustomLayerInterface, Map as MlMap } from 'maplibre-gl';

export const CLIP_ON_LAYER = 'swipe-clip-on';
export const CLIP_OFF_LAYER = 'swipe-clip-off';

type Gl = WebGLRenderingContext | WebGL2RenderingContext;

export class SwipeClip {
  /** The divider, CSS pixels from the map's left edge; null = no clip. */
  private x: number | null = null;
  readonly on: CustomLayerInterface;
  readonly off: CustomLayerInterface;

  constructor(private readonly map: MlMap) {
    this.on = {
      id: CLIP_ON_LAYER,
      type: 'custom',
      renderingMode: '2d',
      render: (gl: Gl) => this.begin(gl),
    };
    this.off = {
      id: CLIP_OFF_LAYER,
      type: 'custom',
      renderingMode: '2d',
      render: (gl: Gl) => gl.disable(gl.SCISSOR_TEST),
    };
  }

  get position(): number | null {
    return this.x;
  }

  /** Moves the divider (null: no clip) and repaints. */
  set(x: number | null): void {
    if (x === this.x) return;
    this.x = x;
    this.map.triggerRepaint();
  }

  private begin(gl: Gl): void {
    if (this.x === null) {
      gl.disable(gl.SCISSOR_TEST);
      return;
    }
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    const left = Math.min(w, Math.max(0, Math.round(this.x * this.map.getPixelRatio())));
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(left, 0, w - left, h);
  }
}
