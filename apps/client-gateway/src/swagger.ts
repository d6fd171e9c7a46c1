import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemDetailsDto } from './common/problem-details.dto.js';

/** Swagger UI at /docs and the OpenAPI document at /docs-json, generated from the DTOs. */
export function setupSwagger(app: INestApplication, clientId: string): void {
  const config = new DocumentBuilder()
    .setTitle('EV charging network: client gateway')
    .setDescription(
      'Find charging stations ("postos") of every operator. Each request travels over MQTT to the ' +
        `operators' station servers. This instance is MQTT client ${clientId}.`,
    )
    .setVersion('0.1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
