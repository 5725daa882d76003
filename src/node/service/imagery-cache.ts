/**
 * Keeps recently used images open (header, overview list and stretch statistics are read once per
 * image) and renders tiles from them. The imagery engine issue deepens this into block and tile caches.
 */
import type { ImageInfo } from '../../common/api/contract';
import type { TileRequest } from '../../common/api/tiles';
import { imageInfoOf, openImage, type OpenedImage } from '../imagery/open-image';
import { renderTile } from '../imagery/render-tile';

export class ImageryCache {
  private readonly open = new Map<string, Promise<OpenedImage>>();

  constructor(private readonly maxOpen = 32) {}

  get(path: string): Promise<OpenedImage> {
    const hit = this.open.get(path);
    if (hit) {
      // refresh LRU order
      this.open.delete(path);
      this.open.set(path, hit);
      return hit;
    }
    const p = openImage(path);
    this.open.set(path, p);
    p.catch(() => this.open.delete(path));
    while (this.open.size > this.maxOpen) {
      const oldest = this.open.keys().next().value as string;
      this.open.delete(oldest);
    }
    return p;
  }

  async info(path: string): Promise<ImageInfo> {
    return imageInfoOf(await this.get(path));
  }

  async tile(path: string, req: TileRequest): Promise<Buffer | null> {
    const img = await this.get(path);
    return renderTile(img, req.z, req.x, req.y, { bands: req.bands, stretch: req.stretch, size: req.size });
  }

  clear(): void {
    this.open.clear();
  }
}
