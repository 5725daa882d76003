/** `fieldmark info`: a GeoTIFF's header in the CLI.md shape. */
import { imageInfoOf, openImage, type ImageInfo } from './open-image';

export { imageInfoOf, type ImageInfo };

export async function imageInfo(pathOrUrl: string): Promise<ImageInfo> {
  const img = await openImage(pathOrUrl);
  try {
    return imageInfoOf(img);
  } finally {
    await img.close();
  }
}
