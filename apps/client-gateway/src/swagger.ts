import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemDetailsDto } from './common/problem-details.dto.js';

/** Swagger UI at /docs and the OpenAPI document at /docs-json, generated from the DTOs. */
export function setupSwagger(app: INestApplication, clientId: string): void {
  const config = new DocumentBuilder()
    .setTitle('EV charging network: client gateway')
    .setDescription(
      'Find charging stations ("postos") of every operator, and book their EVSEs ("reservas"). Each request travels over MQTT to the ' +
        `operators' station servers. This instance is MQTT client ${clientId}. ` +
        'Reservations need a bearer access token (a JWT whose sub is the driver): press Authorize and paste one ' +
        '(for npm start: npm run token -- <driver id>). Station search, /health and /docs are public.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "The driver's access token; its sub is the driver" })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
